-- Documents of core.documents per language of their titles and abstracts (an English translation, title_en or
-- abstract_en, counts as an English text of the document); null language as 'unknown'.
SELECT coalesce(language, 'unknown') AS language,
       count(*) FILTER (WHERE part = 'title') AS titles,
       count(*) FILTER (WHERE part = 'abstract') AS abstracts
FROM (
    SELECT title_lang AS language, 'title' AS part FROM core.documents WHERE title IS NOT NULL
    UNION ALL
    SELECT 'en', 'title' FROM core.documents WHERE title_en IS NOT NULL AND title_lang IS DISTINCT FROM 'en'
    UNION ALL
    SELECT abstract_lang, 'abstract' FROM core.documents WHERE abstract IS NOT NULL
    UNION ALL
    SELECT 'en', 'abstract' FROM core.documents WHERE abstract_en IS NOT NULL AND abstract_lang IS DISTINCT FROM 'en'
)
GROUP BY 1
