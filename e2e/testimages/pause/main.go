// Command pause is the pod sandbox image of the tests' single-node cluster (no registry is reachable,
// so the usual pause image cannot be pulled): it holds the pod's namespaces and exits on SIGTERM or
// SIGINT. As PID 1 it must handle those signals itself: the kernel ignores default ones for PID 1.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
