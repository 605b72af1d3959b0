/**
 * Template variables of Faultline's dashboards: the Prometheus datasource, and label filters
 * (service, route, breaker, queue...) whose "All" value is `.*`, so queries match them with `=~`.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { datasourceUids } from '../config.ts';
import { PROMETHEUS } from './panels.ts';

const ALL: dashboard.VariableOption = { text: 'All', value: '$__all' };

/** `$datasource`: any Prometheus datasource, the provisioned one by default. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .type('prometheus')
    .current({ text: 'Prometheus', value: datasourceUids.prometheus });
}

/**
 * A multi-value filter on the values of `label` among the series `selector` matches, with
 * "All" as `.*` (so `label=~"$name"` keeps every series), refreshed with the time range.
 */
export function labelVariable(
  name: string,
  label: string,
  selector: string,
  labelName: string,
): dashboard.QueryVariableBuilder {
  const query = `label_values(${selector}, ${labelName})`;
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(ALL);
}

/** A multi-value filter over a closed list of values (a catalogue label's documented values). */
export function listVariable(
  name: string,
  label: string,
  values: readonly string[],
): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder(name)
    .label(label)
    .values(values.join(','))
    .options(values.map((value) => ({ text: value, value })))
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(ALL);
}
