"""The seminar in the browser (``geosim web``): a projector view and a page per team.

:mod:`hub` (the shared session, tokens, authorization; no user interface), :mod:`pages` (Solara
components), :mod:`server` (the JSON endpoints and the pages on one server), :mod:`figures`
and :mod:`palette` (the projector's pictures and colours).
"""
