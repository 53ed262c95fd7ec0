-- {components} (temp): every node of the undirected graph {edges}(src, dst) with the smallest node of its connected component as label.
-- Labels propagate by a recursive CTE until no label shrinks; USING KEY keeps one row per node.
-- Edges must be listed in both directions. Nodes without edges are not listed: callers coalesce.
CREATE OR REPLACE TEMP TABLE {components} AS
WITH RECURSIVE cc(node, label) USING KEY (node) AS (
    SELECT DISTINCT src, src FROM {edges}
    UNION
    SELECT e.dst, min(cc.label)
    FROM cc
    JOIN {edges} AS e ON e.src = cc.node
    JOIN recurring.cc AS r ON r.node = e.dst
    GROUP BY e.dst
    HAVING min(cc.label) < min(r.label)
)
SELECT node, label FROM cc;
