package io.portcullis.catalog;

/**
 * Who answers for a tool (C2.1, C7.1).
 *
 * @param team   the owning team
 * @param person a named person, or null
 * @param oncall how to reach the on-call owner (a rota, pager key or channel), or null
 */
public record Owner(String team, String person, String oncall) {
    public String label() {
        if (team == null && person == null) {
            return null;
        }
        return team == null ? person : person == null ? team : team + " (" + person + ")";
    }
}
