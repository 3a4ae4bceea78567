package main

import (
	"testing"

	"github.com/fediport/fediport/examples/cli/clitest"
)

func TestCommandLine(t *testing.T) {
	const forms = "give @user@host, user@host or https://host/users/user"
	clitest.Check(t, clitest.Func(run), []clitest.Case{
		clitest.Help("move-check runs fediport's pre-flight check"),
		{Name: "-h lists exit 3", Args: []string{"-h"}, Stdout: "  3  the move is not ready"},
		clitest.Usage("one account", "move-check", "expected two accounts, OLD and NEW, got 1", "@a@old.example"),
		clitest.Usage("-key without -key-id", "move-check", "-key and -key-id go together", "-key", "k.pem", "a@old.example", "b@new.example"),
		clitest.Usage("bad handle", "move-check", `OLD "alice" is not an account; `+forms, "alice", "b@new.example"),
		clitest.Usage("bad handle after a flag", "move-check", `NEW "@b@new@x" is not an account; `+forms, "a@old.example", "-json", "@b@new@x"),
		clitest.Usage("not http", "move-check", `OLD "ftp://old.example/users/a" is not an account; `+forms, "ftp://old.example/users/a", "b@new.example"),
		clitest.Usage("unknown flag after the accounts", "move-check", "flag provided but not defined: -x", "a@old.example", "b@new.example", "-x"),
	})
}
