# Indian digit grouping: the last three digits, then groups of two (12,34,567.50).
NUMBER_GROUPING = (3, 2, 0)
