-- family_set_edges (temp): links between priority sets (signatures) that one DOCDB family id spans, both directions.
-- Needs family_priority_sets (families_priority_sets.sql). A DOCDB family id spanning several sets
-- links them as a star on the smallest, so edges stay linear in the family's size.
CREATE OR REPLACE TEMP TABLE family_set_edges AS
WITH pairs AS (
    SELECT DISTINCT docdb_family_id, signature
    FROM family_priority_sets
    WHERE docdb_family_id IS NOT NULL
),
hubs AS (
    SELECT docdb_family_id, min(signature) AS hub
    FROM pairs
    GROUP BY docdb_family_id
    HAVING count(*) > 1
)
SELECT p.signature AS src, h.hub AS dst FROM pairs AS p JOIN hubs AS h USING (docdb_family_id) WHERE p.signature <> h.hub
UNION
SELECT h.hub AS src, p.signature AS dst FROM pairs AS p JOIN hubs AS h USING (docdb_family_id) WHERE p.signature <> h.hub;
