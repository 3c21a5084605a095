-- The least rights the ERP needs on PostgreSQL: an owner that migrates, an application role that serves.
-- Run as a superuser once per database, after `erp migrate` has run as erp_owner (it creates the schemas).
-- Names are examples; the domain schemas are crm, inventory, sales, finance, identity, procurement, hr, operations,
-- and pg-boss keeps its queue in pgboss.

create role erp_owner login;                 -- runs `erp migrate` (DDL, triggers, pg-boss's schema and queues)
create role erp_app login;                   -- the gateway and subgraph processes (DATABASE_URL)
grant connect on database erp to erp_app;

do $$
declare
  s text;
begin
  foreach s in array array['crm', 'inventory', 'sales', 'finance', 'identity', 'procurement', 'hr', 'operations', 'pgboss'] loop
    if exists (select 1 from pg_namespace where nspname = s) then
      execute format('grant usage on schema %I to erp_app', s);
      -- Rows only: no TRUNCATE, REFERENCES or TRIGGER, and no CREATE on the schema.
      execute format('grant select, insert, update, delete on all tables in schema %I to erp_app', s);
      execute format('grant usage, select on all sequences in schema %I to erp_app', s);
      execute format('grant execute on all functions in schema %I to erp_app', s);
      execute format('alter default privileges for role erp_owner in schema %I grant select, insert, update, delete on tables to erp_app', s);
      execute format('alter default privileges for role erp_owner in schema %I grant usage, select on sequences to erp_app', s);
    end if;
  end loop;
end $$;

-- Append-only records: insert and read, never change. The triggers refuse UPDATE, DELETE and TRUNCATE whoever
-- asks; the grants make the refusal a permission error for the application before any trigger runs.
revoke update, delete on finance.journal_entries, finance.journal_lines, finance.payments, finance.allocations,
  finance.interest_accruals, finance.credit_notes, finance.refunds, inventory.stock_movements from erp_app;
do $$
declare
  s text;
begin
  foreach s in array array['crm', 'inventory', 'sales', 'finance', 'identity', 'procurement', 'hr', 'operations'] loop
    if exists (select 1 from pg_namespace where nspname = s) then
      execute format('revoke update, delete on %I.audit_log from erp_app', s);
    end if;
  end loop;
end $$;
