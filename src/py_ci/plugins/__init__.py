"""pytest plugins py-ci puts on the path of the tests it runs (they import nothing of py-ci)."""
