-- family_attribute_families (temp), grown by one step: families whose attributes a refresh recomputes, closed under extended-family links.
-- Needs core.family_members (already updated), core.families as the last build left it, and
-- family_attribute_families. A family's attributes are its own members' except two: forward
-- citations (counted over every citing family, families_changed_citations.sql) and the extended
-- family, a component over shared application ids (families_extended.sql). So the set grows by the
-- families that list an application id one of its members lists, and by the members of the extended
-- families its families were in, until a step adds none; recomputed alone, those families then get
-- the extended_family_id a full rebuild gives.
CREATE OR REPLACE TEMP TABLE family_step_links AS
WITH docs AS (
    SELECT m.doc_id FROM core.family_members AS m SEMI JOIN family_attribute_families USING (family_id)
)
SELECT p.priority_id AS link_id FROM core.document_priorities AS p SEMI JOIN docs USING (doc_id)
UNION
SELECT d.application_id FROM core.documents AS d SEMI JOIN docs USING (doc_id) WHERE d.application_id IS NOT NULL;

INSERT INTO family_attribute_families
SELECT DISTINCT family_id FROM (
    SELECT m.family_id
    FROM core.family_members AS m
    WHERE m.doc_id IN (
        SELECT p.doc_id FROM core.document_priorities AS p SEMI JOIN family_step_links AS l ON l.link_id = p.priority_id
        UNION ALL
        SELECT d.doc_id FROM core.documents AS d SEMI JOIN family_step_links AS l ON l.link_id = d.application_id
    )
    UNION ALL
    SELECT f.family_id
    FROM core.families AS f
    WHERE f.extended_family_id IN (
        SELECT e.extended_family_id FROM core.families AS e SEMI JOIN family_attribute_families USING (family_id)
    )
) ANTI JOIN family_attribute_families USING (family_id);
