package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fediport/fediport/examples/cli/clitest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCommandLine(t *testing.T) {
	clitest.Check(t, runCLI, []clitest.Case{
		clitest.Help("sigcheck explains the HTTP signature of a captured request"),
		{Name: "-h lists exit 3", Args: []string{"-h"}, Stdout: "  3  the signature does not verify"},
		clitest.Usage("no request", "sigcheck", "expected one REQUEST file (or - for standard input), got 0", "-json"),
		clitest.Usage("two requests", "sigcheck", "expected one REQUEST file (or - for standard input), got 2", capture, capture),
		clitest.Usage("bad -at", "sigcheck", `-at "yesterday" is not an RFC 3339 time, such as 2024-05-01T12:00:00Z`, capture, "-at", "yesterday"),
		{Name: "flags after the request", Args: []string{capture, "-key", captureKey, "-at", "2026-11-28T15:41:30Z", "-json"}, Code: 0, Stdout: `"verified": true`},
	})
}
