// Command firstask runs the first-inquiry responsibility service: the HTTP
// API, its database migrations and the demo data.
//
//	firstask serve [--demo] [flags]   start the API (default command)
//	firstask migrate up|status        apply or list database migrations
//	firstask demo                     fill an empty database with a demo organisation
//	firstask healthcheck              probe the local server's /healthz (for Docker)
//	firstask seed [sizes] [flags]     fill an empty database with a large synthetic organisation
//	firstask loadtest --url URL …     drive a running server with concurrent clients
//
// The commands live in package cli; docs/architecture.md draws the rest.
package main

import (
	"os"

	"firstask/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
