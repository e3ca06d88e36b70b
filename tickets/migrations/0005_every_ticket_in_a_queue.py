"""Every ticket is in a team's queue: tickets without a team get their program's default team (a program
without one gets its first team, or a new front-line team). 0006 then makes the column NOT NULL, in a
transaction of its own (PostgreSQL refuses to alter a table with deferred foreign-key checks pending)."""

from django.db import migrations


def give_every_ticket_a_team(apps, schema_editor):
    Program = apps.get_model("agents", "Program")
    Team = apps.get_model("agents", "Team")
    Ticket = apps.get_model("tickets", "Ticket")
    for program in Program.objects.all():
        team = program.default_team
        if team is None:
            team = Team.objects.filter(programs=program, is_active=True).order_by("id").first()
        if team is None and Ticket.objects.filter(program=program, team__isnull=True).exists():
            team = Team.objects.create(name=f"{program.name} front line"[:120], slug=f"{program.slug}-front"[:60])
            team.programs.add(program)
        if team is not None and program.default_team_id is None:
            program.default_team = team
            program.save(update_fields=["default_team"])
        if team is not None:
            Ticket.objects.filter(program=program, team__isnull=True).update(team=team)


class Migration(migrations.Migration):
    dependencies = [
        ("agents", "0011_program_default_team"),
        ("tickets", "0004_text_limits"),
    ]

    operations = [
        migrations.RunPython(give_every_ticket_a_team, migrations.RunPython.noop),
    ]
