// Package clitest holds the table test every program under examples/
// runs on its command line: -h prints the help on standard output and
// exits 0, bad usage exits 2 with one message naming what is wrong,
// flags may follow the file names.
package clitest
