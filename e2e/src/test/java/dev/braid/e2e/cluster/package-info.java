/**
 * The {@code *E2E} tests: Braid installed as a user installs it (the images of {@code
 * deploy/images/build.sh}, {@code kubectl apply --server-side -k deploy/}, the Helm chart) on a
 * real single-node Kubernetes ({@code e2e/bin/cluster}: kubelet, scheduler, controller-manager,
 * kube-proxy, containerd), with stock OpenVPN clients in network namespaces wired to the node.
 */
package dev.braid.e2e.cluster;
