package dev.braid.agent.nativeio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.StructLayout;

/**
 * The kernel structures Braid passes to system calls, as x86_64 layouts. Offsets used by the I/O
 * code are derived from these layouts; {@code StructsTest} pins every size and offset.
 */
final class Structs {
  /** struct sockaddr_in; port and address are in network byte order. */
  static final StructLayout SOCKADDR_IN =
      structLayout(
          JAVA_SHORT.withName("sin_family"),
          JAVA_SHORT.withName("sin_port"),
          sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
          sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));

  /** struct sockaddr_in6. */
  static final StructLayout SOCKADDR_IN6 =
      structLayout(
          JAVA_SHORT.withName("sin6_family"),
          JAVA_SHORT.withName("sin6_port"),
          JAVA_INT.withName("sin6_flowinfo"),
          sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
          JAVA_INT.withName("sin6_scope_id"));

  /** struct iovec. */
  static final StructLayout IOVEC =
      structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

  /** struct msghdr, with the padding the compiler inserts after the 32-bit fields. */
  static final StructLayout MSGHDR =
      structLayout(
          ADDRESS.withName("msg_name"),
          JAVA_INT.withName("msg_namelen"),
          paddingLayout(4),
          ADDRESS.withName("msg_iov"),
          JAVA_LONG.withName("msg_iovlen"),
          ADDRESS.withName("msg_control"),
          JAVA_LONG.withName("msg_controllen"),
          JAVA_INT.withName("msg_flags"),
          paddingLayout(4));

  /** struct mmsghdr: a msghdr plus the byte count the kernel fills in. */
  static final StructLayout MMSGHDR =
      structLayout(MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), paddingLayout(4));

  /** struct cmsghdr; data follows at CMSG_ALIGN(sizeof(cmsghdr)). */
  static final StructLayout CMSGHDR =
      structLayout(
          JAVA_LONG.withName("cmsg_len"),
          JAVA_INT.withName("cmsg_level"),
          JAVA_INT.withName("cmsg_type"));

  /** struct in_pktinfo (IP_PKTINFO). */
  static final StructLayout IN_PKTINFO =
      structLayout(
          JAVA_INT.withName("ipi_ifindex"),
          sequenceLayout(4, JAVA_BYTE).withName("ipi_spec_dst"),
          sequenceLayout(4, JAVA_BYTE).withName("ipi_addr"));

  /** struct in6_pktinfo (IPV6_PKTINFO). */
  static final StructLayout IN6_PKTINFO =
      structLayout(
          sequenceLayout(16, JAVA_BYTE).withName("ipi6_addr"), JAVA_INT.withName("ipi6_ifindex"));

  /** struct ifreq as used by TUNSETIFF: a 16-byte name and the flags of the 24-byte union. */
  static final StructLayout IFREQ =
      structLayout(
          sequenceLayout(16, JAVA_BYTE).withName("ifr_name"),
          JAVA_SHORT.withName("ifr_flags"),
          paddingLayout(22));

  /** struct epoll_event, packed on x86_64 (the 64-bit data sits at offset 4). */
  static final StructLayout EPOLL_EVENT =
      structLayout(JAVA_INT_UNALIGNED.withName("events"), JAVA_LONG_UNALIGNED.withName("data"))
          .withByteAlignment(1);

  /** struct sock_filter: one classic BPF instruction. */
  static final StructLayout SOCK_FILTER =
      structLayout(
          JAVA_SHORT.withName("code"),
          JAVA_BYTE.withName("jt"),
          JAVA_BYTE.withName("jf"),
          JAVA_INT.withName("k"));

  /** struct sock_fprog: a classic BPF program. */
  static final StructLayout SOCK_FPROG =
      structLayout(JAVA_SHORT.withName("len"), paddingLayout(6), ADDRESS.withName("filter"));

  static final long MSG_NAME = offset(MSGHDR, "msg_name");
  static final long MSG_NAMELEN = offset(MSGHDR, "msg_namelen");
  static final long MSG_IOV = offset(MSGHDR, "msg_iov");
  static final long MSG_IOVLEN = offset(MSGHDR, "msg_iovlen");
  static final long MSG_CONTROL = offset(MSGHDR, "msg_control");
  static final long MSG_CONTROLLEN = offset(MSGHDR, "msg_controllen");
  static final long MSG_FLAGS = offset(MSGHDR, "msg_flags");
  static final long MMSG_LEN = offset(MMSGHDR, "msg_len");
  static final long CMSG_LEN = offset(CMSGHDR, "cmsg_len");
  static final long CMSG_LEVEL = offset(CMSGHDR, "cmsg_level");
  static final long CMSG_TYPE = offset(CMSGHDR, "cmsg_type");
  static final long CMSG_DATA = align(CMSGHDR.byteSize());

  private Structs() {}

  static long offset(StructLayout layout, String field) {
    return layout.byteOffset(groupElement(field));
  }

  /** CMSG_ALIGN: control messages are aligned to sizeof(size_t). */
  static long align(long length) {
    return (length + 7) & ~7L;
  }

  /** CMSG_SPACE for a payload of {@code dataLength} bytes. */
  static long cmsgSpace(long dataLength) {
    return CMSG_DATA + align(dataLength);
  }

  /** CMSG_LEN for a payload of {@code dataLength} bytes. */
  static long cmsgLen(long dataLength) {
    return CMSG_DATA + dataLength;
  }
}
