-- family_region_docs (temp): the publications whose family membership a refresh recomputes: every member of every family a seed can reach.
-- Needs family_seed_docs (families_changed_seeds.sql), the macro family_title_key (families_title_key.sql) and family_seed_sets, their priority sets as
-- they are now (families_priority_sets.sql run on them). Every other publication keeps its priority
-- set, so a family can change only through a link of a seed: the families a seed was in, those with
-- a member of a seed's priority set or DOCDB family id, and, for a seed without priority or DOCDB
-- evidence (families_fallback_edges.sql), those with such a member of the same title. Their members
-- and the seeds are closed under the family links: recomputed alone they give the families a full
-- rebuild gives.
CREATE OR REPLACE TEMP TABLE family_region_families AS
SELECT m.family_id FROM core.family_members AS m SEMI JOIN family_seed_docs USING (doc_id)
UNION
SELECT m.family_id FROM core.family_members AS m SEMI JOIN family_seed_sets AS s USING (priority_set)
UNION
SELECT m.family_id FROM core.family_members AS m
WHERE m.docdb_family_id IN (SELECT docdb_family_id FROM family_seed_sets);

CREATE OR REPLACE TEMP TABLE family_seed_titles AS
SELECT DISTINCT family_title_key(t) AS title_key
FROM family_seed_sets AS s
JOIN core.documents AS d USING (doc_id), unnest([d.title, d.title_en]) AS u(t)
WHERE s.own_filing AND s.docdb_family_id IS NULL AND t IS NOT NULL
    AND s.doc_id NOT IN (SELECT doc_id FROM core.document_priorities);

-- family_seed_titles is the build side of the join: mostly empty, and then no title is normalized.
INSERT INTO family_region_families
SELECT DISTINCT m.family_id
FROM (
    SELECT d.doc_id, family_title_key(u.t) AS title_key
    FROM core.documents AS d, unnest([d.title, d.title_en]) AS u(t)
    WHERE d.docdb_family_id IS NULL AND u.t IS NOT NULL
        AND d.doc_id NOT IN (SELECT doc_id FROM core.document_priorities)
) AS k
JOIN family_seed_titles AS s USING (title_key)
JOIN core.family_members AS m USING (doc_id);


CREATE OR REPLACE TEMP TABLE family_region_docs AS
SELECT m.doc_id FROM core.family_members AS m SEMI JOIN family_region_families USING (family_id)
UNION
SELECT doc_id FROM family_seed_docs;
