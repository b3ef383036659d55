// Command echo is the tests' HTTP backend behind a Service: GET / answers
// "echo <pod name> <client address>", the address as the pod saw it, so a test can tell whether the
// gateway translated the tunnel's source address (spec.nat) or routed it unchanged. Listens on
// :8080 (or $PORT); exits at once on SIGTERM so that a pod stops without waiting for its grace period.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	name, _ := os.Hostname()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		fmt.Fprintf(w, "echo %s %s\n", name, host)
	})
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
		os.Exit(0)
	}()
	log.Printf("echo %s listening on :%s", name, port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
