"""The web stage: a small FastAPI service with a dashboard page over the same chain the CLI runs.

``ironriver serve`` starts it on localhost. The JSON API (``/api/...``) returns the store's tables, the
literature, the timeline and the assessment (ledger, verdict, iron-river series); the dashboard page
(``/``) draws them with Plotly.js served from the installed plotly package, so it works offline.
"""
