"""The indicator's data-source department becomes a relation to Department (issue 14): each
name in use is matched to a department of that name, created where none exists; the history's
names are matched too. Indicators gain `entered_by_department`."""

import django.db.models.deletion
from django.db import migrations, models


def names_to_departments(apps, schema_editor):
    Department = apps.get_model("indicators", "Department")
    Indicator = apps.get_model("indicators", "Indicator")
    Historical = apps.get_model("indicators", "HistoricalIndicator")
    found = {d.name: d for d in Department.objects.all()}
    order = max((d.display_order for d in found.values()), default=0)

    def department(name):
        nonlocal order
        name = (name or "").strip()[:60]
        if not name:
            return None
        if name not in found:
            order += 1
            found[name] = Department.objects.create(name=name, display_order=order)
        return found[name]

    for indicator in Indicator.objects.all():
        indicator.department = department(indicator.department_name)
        indicator.save(update_fields=["department"])
    for record in Historical.objects.all():
        chosen = department(record.department_name)
        record.department_id = chosen.pk if chosen else None
        record.save(update_fields=["department"])


def departments_to_names(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Historical = apps.get_model("indicators", "HistoricalIndicator")
    Department = apps.get_model("indicators", "Department")
    names = dict(Department.objects.values_list("pk", "name"))
    for model in (Indicator, Historical):
        for row in model.objects.all():
            row.department_name = names.get(row.department_id, "")
            row.save(update_fields=["department_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0006_department_historicalindicator_lead_department_and_more"),
    ]

    operations = [
        migrations.RenameField("indicator", "department", "department_name"),
        migrations.RenameField("historicalindicator", "department", "department_name"),
        migrations.AddField(
            model_name="indicator",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="supplied_indicators",
                to="indicators.department",
                verbose_name="数据来源部门",
            ),
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="department",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.department",
                verbose_name="数据来源部门",
            ),
        ),
        migrations.RunPython(names_to_departments, departments_to_names),
        migrations.RemoveField("indicator", "department_name"),
        migrations.RemoveField("historicalindicator", "department_name"),
        migrations.AddField(
            model_name="indicator",
            name="entered_by_department",
            field=models.BooleanField(
                default=False,
                help_text="勾选后由数据来源部门的填报员为各县区填报，县区填报表中只读。",
                verbose_name="由部门填报",
            ),
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="entered_by_department",
            field=models.BooleanField(
                default=False,
                help_text="勾选后由数据来源部门的填报员为各县区填报，县区填报表中只读。",
                verbose_name="由部门填报",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("entered_by_department", False))
                | models.Q(("department__isnull", False)),
                name="indicator_department_entry_needs_department",
            ),
        ),
    ]
