-- The roles every service's access table names (grpc-kit Roles): administrator (everything),
-- operator (packages, deploys, synchronisations, files, conflicts), field (devices and the
-- projects granted to them) and service (the services calling each other). The first three
-- replace admin, editor and viewer; users and projects keep their grants under the new names.
INSERT INTO registry.roles (name, description) VALUES
    ('administrator', 'Everything: users, tokens, servers, the tools, conflicts'),
    ('operator',      'Packages, deploys, synchronisations, files, conflicts'),
    ('field',         'Field work: own devices and the projects granted to them'),
    ('service',       'A LizSync service calling another one')
ON CONFLICT (name) DO NOTHING;

INSERT INTO registry.user_roles (user_id, role_name)
SELECT user_id, CASE role_name WHEN 'admin' THEN 'administrator' WHEN 'editor' THEN 'operator' ELSE 'field' END
FROM registry.user_roles WHERE role_name IN ('admin', 'editor', 'viewer')
ON CONFLICT DO NOTHING;
INSERT INTO registry.project_roles (project_id, role_name)
SELECT project_id, CASE role_name WHEN 'admin' THEN 'administrator' WHEN 'editor' THEN 'operator' ELSE 'field' END
FROM registry.project_roles WHERE role_name IN ('admin', 'editor', 'viewer')
ON CONFLICT DO NOTHING;
DELETE FROM registry.roles WHERE name IN ('admin', 'editor', 'viewer');
