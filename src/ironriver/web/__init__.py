"""The web stage: the dashboard page and its JSON API, over the same chain the CLI runs.

``ironriver serve`` starts it on 127.0.0.1 (:mod:`~ironriver.web.app`). One model run per seed, in a bounded
queue of worker processes (:mod:`~ironriver.web.runs`), feeds every view (:mod:`~ironriver.web.views`): a
window of years is a cut of that run, a what-if a re-aggregation of its cached draws
(:mod:`~ironriver.web.whatif`), a drill-down a look-up of the rows its lineage names
(:mod:`~ironriver.web.drill`). Responses are encoded, compressed and tagged once
(:mod:`~ironriver.web.responses`); tables page in SQL (:mod:`~ironriver.web.tables`). Charts are the
report's own; Plotly.js is served locally, so the page works offline.
"""
