package main

import "testing"

// serve raises GOGC only when the operator set none, and caps the larger heap under a
// container's memory limit only then: an explicit GOGC or GOMEMLIMIT is never overridden.
func TestTheCollectorSettingLeavesWhatTheEnvironmentSets(t *testing.T) {
	const container = 1 << 30
	for _, c := range []struct {
		name      string
		env       map[string]string
		container int64
		want      gcSetting
	}{
		{"nothing set, no container limit", nil, 0, gcSetting{percent: gcPercent}},
		{"nothing set, in a 1 GiB container", nil, container, gcSetting{percent: gcPercent, limit: container * 8 / 10}},
		{"GOGC set", map[string]string{"GOGC": "100"}, container, gcSetting{}},
		{"GOGC=off set", map[string]string{"GOGC": "off", "GOMEMLIMIT": "256MiB"}, container, gcSetting{}},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "300MiB"}, container, gcSetting{percent: gcPercent}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := chooseGC(func(k string) string { return c.env[k] }, c.container)
			if got != c.want {
				t.Errorf("chooseGC(%v, %d) = %+v, want %+v", c.env, c.container, got, c.want)
			}
		})
	}
}
