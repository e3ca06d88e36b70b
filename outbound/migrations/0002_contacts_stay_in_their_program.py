"""A campaign's contacts are customers of the campaign's program, whatever writes them (invariant 10)."""

from django.db import migrations

RULES_SQL = """
CREATE OR REPLACE FUNCTION outbound_contact_one_program() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM crm_customer c JOIN outbound_campaign k ON k.program_id = c.program_id
                  WHERE c.id = NEW.customer_id AND k.id = NEW.campaign_id) THEN
    RAISE EXCEPTION 'campaign contact: customer % is not in the program of campaign %', NEW.customer_id,
      NEW.campaign_id USING ERRCODE = 'check_violation', COLUMN = 'customer';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER outbound_contact_one_program BEFORE INSERT OR UPDATE OF customer_id, campaign_id
  ON outbound_campaigncontact FOR EACH ROW EXECUTE FUNCTION outbound_contact_one_program();
CREATE TRIGGER outbound_campaign_program_fixed BEFORE UPDATE OF program_id ON outbound_campaign
  FOR EACH ROW EXECUTE FUNCTION agents_program_fixed();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS outbound_campaign_program_fixed ON outbound_campaign;
DROP TRIGGER IF EXISTS outbound_contact_one_program ON outbound_campaigncontact;
DROP FUNCTION IF EXISTS outbound_contact_one_program();
"""


class Migration(migrations.Migration):
    dependencies = [("outbound", "0001_initial"), ("agents", "0007_program_rules")]

    operations = [migrations.RunSQL(RULES_SQL, DROP_SQL)]
