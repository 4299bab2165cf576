"""The estimate stage: models fitted to the store's tables and the evidence streams, returning draws.

Each module here turns data into an estimate with its uncertainty carried as draws, never as a bare point:
:mod:`ironriver.estimate.spillover` estimates what the September 2004 expiry of the US assault-weapons ban did
to firearm homicides in the Mexican states bordering Texas, New Mexico and Arizona. Modules import only from
``data``, ``store`` and ``evidence``; their public functions are re-exported lazily from :mod:`ironriver`.
"""
