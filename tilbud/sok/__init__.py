"""The tilbud search: the only place that knows how a search works.

- `svar`: the entry. `sok_svar(request)` answers a query string for the API and the page alike;
  `tomt_svar` says what removed everything and which nearby searches find something.
- `motor`: chooses the engine once, at the entry: `postgres` (the narrow search table,
  full-text search, a page in one statement) or `orm` (the tilbud themselves, SQLite).
- `parametere`: the table of search parameters, one row each (validation, predicates,
  relaxation, the «Ingen tilbud …» phrase, the page's choices); `felt` their form fields;
  `filtre` the FilterSet generated from the table.
- `kort`: the result card, declared once (ORM and SQL reads generated from it, by name).
- `rangering`, `sokeside`: ranking for the patient's kommune, and a page in one statement.
- `paginering`: the answer's page and its schema.
- `dekning`: which målgrupper the search reaches where: the diagnosis type-ahead's `gir_treff`
  (codes that give tilbud first) and, for an empty code search, why and the nearest målgruppe.
- Typos: each engine's `tekstsok` replaces a word no tilbud has by the closest words of the
  catalogue's vocabulary (kept by tilbud.services.sokevokter; pg_trgm on PostgreSQL, rapidfuzz
  on SQLite) and reports them; the answer's `skrivefeil` says what was searched.

The API (tilbud.api) imports this package; this package never imports the API.
"""
