"""A change of an SLA policy or of business hours moves its program's settings version (agents 0016), so
processes holding the old ones in memory read them again (``tickets.services.sla``)."""

from django.db import migrations

TABLES = ("tickets_slapolicy", "tickets_businesshours")

TRIGGERS_SQL = "".join(
    f"CREATE TRIGGER {table}_config_changed AFTER INSERT OR UPDATE OR DELETE ON {table}\n"
    "  FOR EACH ROW EXECUTE FUNCTION agents_program_config_changed();\n"
    for table in TABLES
)
DROP_SQL = "".join(f"DROP TRIGGER {table}_config_changed ON {table};\n" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0016_program_config_version"),
        ("tickets", "0013_routing_languages_skills"),
    ]

    operations = [migrations.RunSQL(TRIGGERS_SQL, DROP_SQL)]
