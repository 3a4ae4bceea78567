package main

import (
	"fmt"

	_ "github.com/fediport/fediport/migrate/riverjobs"
)

func main() { fmt.Println("hi") }
