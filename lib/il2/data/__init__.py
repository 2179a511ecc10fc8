"""Measured data files vendored with the library (read them through :mod:`il2.measurements`).

See ``README.md`` in this folder for each file's source repository, path and licence.
"""
