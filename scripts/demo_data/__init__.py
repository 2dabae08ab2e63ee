"""Building blocks of the demo data generator (``scripts/generate_demo_data.py``).

* :mod:`scripts.demo_data.templates` loads and validates the JSON templates in ``data/demo/templates/``;
* :mod:`scripts.demo_data.text` holds language formatting and noise helpers;
* :mod:`scripts.demo_data.compose` writes one ticket (subject, body, resolution) from a problem variant.
"""
