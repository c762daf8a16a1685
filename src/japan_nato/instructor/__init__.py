"""The instructor's side: the report from learners' exports, and the answer key."""
