"""The journal's pages: one module per page family (journal, my day, quick logging)."""
