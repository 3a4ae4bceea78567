package importer

// The reasons a row is invalid, for the tests of package importer_test.
var (
	ExportedErrInvalidAccount = errInvalidAccount
	ExportedErrInvalidDomain  = errInvalidDomain
	ExportedErrInvalidURI     = errInvalidURI
	ExportedErrInvalidList    = errInvalidList
)
