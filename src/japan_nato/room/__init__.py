"""The live room: a JupyterHub service that collects answers and runs peer instruction.

Importing this package is cheap: the service (tornado, jupyterhub) and the client's outbox
(sqlite3) are imported only by the modules that need them.
"""
