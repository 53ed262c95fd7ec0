-- Valid families per subclass and text language: the language of the text that was embedded and tokenized
-- (taxonomy.search_texts.embed_lang: the abstract's language, else the title's); null as 'unknown'.
SELECT p.subclass_key, coalesce(t.embed_lang, 'unknown') AS language, count(*) AS families
FROM taxonomy.subclass_patents AS p
JOIN taxonomy.search_texts AS t USING (family_id)
WHERE p.is_valid AND ($subclass_key IS NULL OR p.subclass_key = $subclass_key)
GROUP BY ALL
