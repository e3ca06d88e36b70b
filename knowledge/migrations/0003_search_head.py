"""A second, short search vector (title, summary, tags) so ranking does not read whole bodies; exact titles."""

import django.db.models.functions.text
from django.db import migrations, models

HEAD_SQL = """
ALTER TABLE knowledge_article ADD COLUMN search_head tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector(knowledge_regconfig(language), coalesce(title, '')), 'A') ||
  setweight(to_tsvector(knowledge_regconfig(language), coalesce(summary, '')), 'B') ||
  setweight(to_tsvector('simple', knowledge_tags_text(tags)), 'B')
) STORED;
CREATE INDEX knowledge_article_search_head ON knowledge_article USING gin (search_head);
"""


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_vector_and_immutable_versions")]

    operations = [
        migrations.RunSQL(
            HEAD_SQL,
            "DROP INDEX IF EXISTS knowledge_article_search_head; ALTER TABLE knowledge_article DROP COLUMN search_head;",
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(django.db.models.functions.text.Lower("title"), name="knowledge_title_lower"),
        ),
    ]
