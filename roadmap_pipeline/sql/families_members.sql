-- core.family_members: every document of core.documents in exactly one simple family, with a deterministic family_id.
-- Needs family_priority_sets (families_priority_sets.sql), and family_set_components and
-- family_fallback_components, the connected components (connected_components.sql) of
-- family_set_edges (families_set_edges.sql) and family_fallback_edges (families_fallback_edges.sql).
-- Families are connected components over two links: documents with the same priority set, and
-- documents with the same DOCDB family id. Each distinct priority set (its signature) is a node; a
-- DOCDB family id that spans several sets links them as a star on the smallest (edges linear in
-- the family's size); labels are propagated by a recursive CTE until no label shrinks. A set that
-- no DOCDB id joins to another is its own component, so only the few joined sets take part.
-- Families without either evidence that the fallback links are joined the same way, and flagged.
-- family_id is the DOCDB family id where any member carries one (several: the smallest as a
-- number, compared as zero-padded text), else 'P' and 16 hex digits of the md5 of the sorted
-- priority set (a family without DOCDB ids has exactly one set; one joined by the fallback, the
-- smallest of its sets).
CREATE OR REPLACE TEMP TABLE family_doc_components AS
SELECT s.*, coalesce(f.label, s.set_component) AS component, f.label IS NOT NULL AS fallback
FROM (
    SELECT p.*, coalesce(c.label, p.signature) AS set_component
    FROM family_priority_sets AS p
    LEFT JOIN family_set_components AS c ON c.node = p.signature
) AS s
LEFT JOIN family_fallback_components AS f ON f.node = s.set_component;

CREATE OR REPLACE TEMP TABLE family_component_ids AS
SELECT
    component,
    coalesce(
        split_part(min(lpad(docdb_family_id, 24, '0') || ' ' || docdb_family_id), ' ', 2),
        'P' || left(md5(component), 16)
    ) AS family_id
FROM family_doc_components
GROUP BY component;

CREATE OR REPLACE TABLE core.family_members AS
SELECT
    f.family_id,
    d.doc_id,
    d.docdb_family_id,
    d.priority_set,
    d.earliest_priority_id,
    d.earliest_priority_date,
    d.fallback
FROM family_doc_components AS d
JOIN family_component_ids AS f USING (component);
