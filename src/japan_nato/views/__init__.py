"""The views: the only package that imports ipywidgets, anywidget or IPython."""
