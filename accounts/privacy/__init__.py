"""Privacy: policies and consent, data exports and account erasure (docs/architecture.md, "Privacy").

Split like the other features: models, selectors (reads), services (writes), export and erasure
(what an export holds and what an erasure removes), tasks (background work), forms, views, urls,
admin, middleware (re-consent) and receivers (the log-in check).
"""
