"""A change of a program's survey policy moves the program's settings version (agents 0016), so processes
keeping the policy in memory read it again (``quality.services.surveys._policy``)."""

from django.db import migrations

TRIGGERS_SQL = """
CREATE TRIGGER quality_surveypolicy_config_changed AFTER INSERT OR UPDATE OR DELETE ON quality_surveypolicy
  FOR EACH ROW EXECUTE FUNCTION agents_program_config_changed();
"""
DROP_SQL = "DROP TRIGGER quality_surveypolicy_config_changed ON quality_surveypolicy;"


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0016_program_config_version"),
        ("quality", "0003_review_rules"),
    ]

    operations = [migrations.RunSQL(TRIGGERS_SQL, DROP_SQL)]
