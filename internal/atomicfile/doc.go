// Package atomicfile writes a file whole or not at all, without following
// links.
//
// [Create] makes a new file under a temporary name in the target's
// folder, created exclusively (so never an existing file, nor through a
// link planted under that name). [File.Commit] syncs it to disk, renames
// it over the target and syncs the folder, so that after a crash the
// target is either the old file or the whole new one; [File.Abort]
// removes it instead. [Write] does all of it around one function. The
// target's name is replaced, never opened: a symbolic link there is
// replaced by the new file and the file it pointed to is left untouched.
// All of it goes through an [os.Root] of the folder.
//
// Several files can be committed together, as far as a file system
// allows: [File.Close] each (which syncs it), then [File.Commit] each;
// a crash between two commits leaves the files committed before it
// whole and the others as they were.
package atomicfile
