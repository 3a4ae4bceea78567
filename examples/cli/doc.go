// Package cli is the command-line plumbing the programs under examples/
// share, so that they behave alike: -h prints what the program does, its
// synopsis, flags and exit codes and exits 0; bad usage exits 2 and names
// what is wrong; flags may follow the file names; errors are printed once,
// prefixed with the program's name; long work shows progress.
//
// It is plumbing, not SDK, and outside the module's compatibility
// promise: the fediport calls in each program stay plain. It is a public
// package so that a program copied out of examples/ still builds: import
// it, or copy it along.
package cli
