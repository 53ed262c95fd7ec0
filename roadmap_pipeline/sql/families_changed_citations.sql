-- family_forward_recount (temp): forward citations of the families in family_attribute_families, counted over every citing family.
-- Needs core.family_members (updated) and family_attribute_families. The same count as
-- families_attributes.sql: distinct other families with a member citing one of the family's members.
CREATE OR REPLACE TEMP TABLE family_forward_recount AS
SELECT cited.family_id, count(DISTINCT citing.family_id) FILTER (WHERE citing.family_id <> cited.family_id) AS forward_citations
FROM core.family_members AS cited
JOIN core.document_citations AS c ON c.cited_id = cited.doc_id
JOIN core.family_members AS citing ON citing.doc_id = c.doc_id
WHERE cited.family_id IN (SELECT family_id FROM family_attribute_families)
GROUP BY cited.family_id;
