"""What the engine and the services both need, read through the storage port: who an
event reaches right now, and the instance's signing key.  It sits below both, so
neither has to import the other."""
