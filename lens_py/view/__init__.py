"""Pictures of a network: the HTML Unit and Link Viewers (units.py,
links.py, sharing page.py and Lens's colour scales in colors.py).  The
matplotlib plots are lens_py.plots."""
