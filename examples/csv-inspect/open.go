package main

import (
	"fmt"
	"os"
	"syscall"
)

// openRegular opens path for reading and refuses anything but a regular
// file: a named pipe would block the read forever, a device such as
// /dev/zero never ends. It opens without blocking, so that opening a
// pipe with no writer returns, and checks what it opened (not what the
// name was a moment before).
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		if fi.IsDir() {
			return nil, fmt.Errorf("%s: a folder, not a CSV file: give one of the CSV files in it", path)
		}
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, kind(fi.Mode()))
	}
	return f, nil
}

// kind names the type of a file that is neither regular nor a folder.
func kind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
