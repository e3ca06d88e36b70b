"""Full-text search column (weighted, stemmed in the article's language) and immutable versions."""

from django.db import migrations

SEARCH_SQL = """
CREATE OR REPLACE FUNCTION knowledge_regconfig(lang text) RETURNS regconfig
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lang WHEN 'es' THEN 'spanish'::regconfig WHEN 'fr' THEN 'french'::regconfig
    WHEN 'de' THEN 'german'::regconfig WHEN 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END
$$;
-- array_to_string is only STABLE; tags are plain words, so this wrapper is safe to call immutable.
CREATE OR REPLACE FUNCTION knowledge_tags_text(tags varchar[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$;
ALTER TABLE knowledge_article ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector(knowledge_regconfig(language), coalesce(title, '')), 'A') ||
  setweight(to_tsvector(knowledge_regconfig(language), coalesce(summary, '')), 'B') ||
  setweight(to_tsvector(knowledge_regconfig(language), coalesce(body, '')), 'C') ||
  setweight(to_tsvector('simple', knowledge_tags_text(tags)), 'B')
) STORED;
CREATE INDEX knowledge_article_search ON knowledge_article USING gin (search);
"""

IMMUTABLE_SQL = """
CREATE OR REPLACE FUNCTION knowledge_version_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'article versions are immutable; restore one as a new draft instead'
    USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER knowledge_version_immutable BEFORE UPDATE ON knowledge_articleversion
  FOR EACH ROW EXECUTE FUNCTION knowledge_version_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunSQL(
            SEARCH_SQL,
            "DROP INDEX IF EXISTS knowledge_article_search; ALTER TABLE knowledge_article DROP COLUMN search;"
            "DROP FUNCTION IF EXISTS knowledge_regconfig(text); DROP FUNCTION IF EXISTS knowledge_tags_text(varchar[]);",
        ),
        migrations.RunSQL(
            IMMUTABLE_SQL,
            "DROP TRIGGER IF EXISTS knowledge_version_immutable ON knowledge_articleversion;"
            "DROP FUNCTION IF EXISTS knowledge_version_immutable();",
        ),
    ]
