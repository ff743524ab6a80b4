"""Programs in the Myia subset, each with argument sets to run them on.

Every module here defines `CASES`: a list of `(function, args)` pairs.  The
test suite runs each on the debug VM and compares with plain CPython.
"""
