"""The rules that templates must not hold: grouping commitments, the fields of the exports."""
