"""Queue counters kept by triggers, so queue pages never COUNT a team's tickets (issue 16).

Inserts and deletes are counted once per statement from the transition table (a bulk seed of a
million tickets costs one grouped upsert per batch); a change of status, team or assignee is counted
per row, and only when one of those changed. Each statement upserts its counter rows in key order, so
two transactions moving tickets between the same rows cannot deadlock on them. The last step fills
the counters from the tickets already there.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# tickets.models.OPEN_STATUSES as of this migration (a migration is frozen: it does not import the model).
# Changing that set needs a migration recreating these functions; tests/test_queue_counts.py would fail.
OPEN = "('new', 'open', 'pending_customer', 'on_hold')"

TRIGGERS_SQL = f"""
CREATE FUNCTION tickets_queuecount_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO tickets_queuecount (team_id, assignee_id, status, n)
  SELECT d.team_id, d.assignee_id, d.status, sum(d.n)
  FROM jsonb_to_recordset(deltas) AS d (team_id bigint, assignee_id bigint, status text, n integer)
  WHERE d.status IN {OPEN}
  GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (team_id, assignee_id, status) DO UPDATE SET n = tickets_queuecount.n + EXCLUDED.n
$$;

CREATE FUNCTION tickets_queuecount_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM tickets_queuecount_add(
      (SELECT jsonb_agg(jsonb_build_object('team_id', team_id, 'assignee_id', assignee_id, 'status', status, 'n', n))
       FROM (SELECT team_id, assignee_id, status, count(*) AS n FROM new_rows
             WHERE status IN {OPEN} GROUP BY 1, 2, 3) grouped));
  ELSE
    PERFORM tickets_queuecount_add(
      (SELECT jsonb_agg(jsonb_build_object('team_id', team_id, 'assignee_id', assignee_id, 'status', status, 'n', -n))
       FROM (SELECT team_id, assignee_id, status, count(*) AS n FROM old_rows
             WHERE status IN {OPEN} GROUP BY 1, 2, 3) grouped));
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION tickets_queuecount_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tickets_queuecount_add(jsonb_build_array(
    jsonb_build_object('team_id', OLD.team_id, 'assignee_id', OLD.assignee_id, 'status', OLD.status, 'n', -1),
    jsonb_build_object('team_id', NEW.team_id, 'assignee_id', NEW.assignee_id, 'status', NEW.status, 'n', 1)));
  RETURN NULL;
END $$;

CREATE TRIGGER tickets_queuecount_insert AFTER INSERT ON tickets_ticket
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_queuecount_statement();
CREATE TRIGGER tickets_queuecount_delete AFTER DELETE ON tickets_ticket
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tickets_queuecount_statement();
CREATE TRIGGER tickets_queuecount_update AFTER UPDATE OF status, team_id, assignee_id ON tickets_ticket
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.team_id IS DISTINCT FROM NEW.team_id
                     OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
  EXECUTE FUNCTION tickets_queuecount_row();

INSERT INTO tickets_queuecount (team_id, assignee_id, status, n)
SELECT team_id, assignee_id, status, count(*) FROM tickets_ticket WHERE status IN {OPEN} GROUP BY 1, 2, 3;
"""  # noqa: S608 - constant text

DROP_SQL = """
DROP TRIGGER tickets_queuecount_insert ON tickets_ticket;
DROP TRIGGER tickets_queuecount_delete ON tickets_ticket;
DROP TRIGGER tickets_queuecount_update ON tickets_ticket;
DROP FUNCTION tickets_queuecount_row();
DROP FUNCTION tickets_queuecount_statement();
DROP FUNCTION tickets_queuecount_add(jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0011_program_default_team"),
        ("tickets", "0007_list_order_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="QueueCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("open", "Open"),
                            ("pending_customer", "Pending customer"),
                            ("on_hold", "On hold"),
                            ("resolved", "Resolved"),
                            ("closed", "Closed"),
                        ],
                        max_length=20,
                    ),
                ),
                ("n", models.IntegerField(default=0)),
                (
                    "assignee",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="agents.team",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("team", "assignee", "status"), name="tickets_queuecount_unique", nulls_distinct=False
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGERS_SQL, DROP_SQL),
    ]
