"""pytest plugins py-ci puts on the path of the tests it runs, and the wrapper of a project's own unittest-based
runner (they import nothing of py-ci)."""
