package dev.ragd.ops.bench;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A deterministic catalogue of any size for the retrieval-at-scale benchmark: document {@code d}
 * is a product record in four chunks (an overview, its attributes as {@code Label: value} lines,
 * care advice, and a help-page style paragraph on delivery and returns), written from word lists
 * so that names, attributes and phrasing vary the way a real shop's do. The same {@code d} always
 * gives the same text. One document in {@link #RARE_EVERY} is readable by the group {@code rare}
 * only, the others by {@code common}: a filter on {@code rare} keeps 1% of the chunks.
 */
final class ScaleCorpus {

    static final int CHUNKS_PER_DOC = 4;
    static final int RARE_EVERY = 100;

    private static final String[] ADJ = {"Aurora", "Boreal", "Cinder", "Drift", "Ember", "Fjord", "Geyser", "Harbor",
            "Ion", "Juniper", "Kestrel", "Lumen", "Monsoon", "Nimbus", "Orbit", "Pebble", "Quartz", "Ridge", "Summit",
            "Tundra", "Umber", "Vale", "Willow", "Xenon", "Yarrow", "Zephyr", "Atlas", "Beacon", "Cedar", "Dune",
            "Echo", "Flint", "Grove", "Haven", "Iris", "Jade", "Kite", "Lark", "Maple", "Nova"};
    private static final String[] KIND = {"Kettle", "Lamp", "Chair", "Backpack", "Umbrella", "Headphones",
            "Blender", "Toaster", "Desk", "Mug", "Jacket", "Tent", "Bottle", "Speaker", "Blanket", "Pan",
            "Watch", "Rug", "Shelf", "Stool"};
    private static final String[] COLOUR = {"Copper", "Frost white", "Matte black", "Slate blue", "Forest green",
            "Sand", "Graphite", "Coral", "Navy", "Mustard", "Olive", "Crimson"};
    private static final String[] MATERIAL = {"Stainless steel", "Cast iron", "Borosilicate glass", "Bamboo",
            "Recycled polyester", "Waxed canvas", "Oak", "Aluminium", "Ceramic", "Merino wool", "Cork", "Nylon"};
    private static final String[] USE = {"for small kitchens", "for long hikes", "for the home office",
            "for students", "for camping trips", "for rainy commutes", "for reading at night", "for travel",
            "for cold mornings", "for busy families", "for the garden", "for open-plan offices"};
    private static final String[] FEATURE = {"a folding handle", "a removable filter", "a soft-touch grip",
            "a magnetic lid", "a wireless charging pad", "reinforced seams", "a dimmer with three levels",
            "a two-year battery", "a quick-release clip", "a non-slip base", "a waterproof zip", "an auto-off timer"};
    private static final String[] CARE = {"Wipe with a damp cloth and dry at once.",
            "Descale every month with white vinegar.", "Hand wash only; do not tumble dry.",
            "Oil the wood twice a year.", "Keep out of direct sunlight to stop the colour fading.",
            "Tighten the screws every six months.", "Store dry and unfolded."};
    private static final String[] HELP = {"Standard delivery takes 3 to 6 working days",
            "Express delivery arrives the next working day", "Returns are free within 30 days",
            "Refunds reach your card within 5 business days", "We ship to Canada, Mexico and the European Union",
            "Warranty claims are answered within 2 working days"};

    /** One generated document. */
    record Doc(String id, String title, List<String> chunks, boolean rare) {}

    private final long seed;

    ScaleCorpus(long seed) {
        this.seed = seed;
    }

    /** The {@code d}-th document. */
    Doc doc(int d) {
        Random r = new Random(new SplittableRandom(seed + d * 0x9E3779B97F4A7C15L).nextLong());
        String kind = KIND[r.nextInt(KIND.length)];
        String title = ADJ[r.nextInt(ADJ.length)] + " " + kind + " " + model(d);
        String colour = COLOUR[r.nextInt(COLOUR.length)];
        String material = MATERIAL[r.nextInt(MATERIAL.length)];
        String overview = title + ": a " + colour.toLowerCase(Locale.ROOT) + " " + kind.toLowerCase(Locale.ROOT) + " "
                + USE[r.nextInt(USE.length)] + ", with " + FEATURE[r.nextInt(FEATURE.length)] + " and "
                + FEATURE[r.nextInt(FEATURE.length)] + ". Made of " + material.toLowerCase(Locale.ROOT) + ".";
        String attributes = title + "\nCategory: " + kind + "\nPrice usd: " + (19 + r.nextInt(480)) + ".00\nColour: "
                + colour + "\nMaterial: " + material + "\nWarranty: " + (1 + r.nextInt(5)) + " years\nWeight kg: "
                + (1 + r.nextInt(200)) / 10.0;
        String care = "Caring for the " + title + ". " + CARE[r.nextInt(CARE.length)] + " " + CARE[r.nextInt(CARE.length)];
        String help = "Ordering the " + title + ". " + HELP[r.nextInt(HELP.length)] + ". " + HELP[r.nextInt(HELP.length)]
                + ". Questions about model " + model(d) + " go to help@products-inc.example.";
        return new Doc("d" + d, title, List.of(overview, attributes, care, help), d % RARE_EVERY == 0);
    }

    /** A model code unique to the document, so that a keyword search can single it out. */
    static String model(int d) {
        return "M" + Integer.toString(d, 36).toUpperCase(Locale.ROOT);
    }

    /** A question about document {@code d}, as a user would ask it. */
    String question(int d, int variant) {
        Doc doc = doc(d);
        return switch (variant % 4) {
            case 0 -> "How much does the " + doc.title() + " cost?";
            case 1 -> "What is the " + doc.title() + " made of?";
            case 2 -> "How do I clean the " + doc.title() + "?";
            default -> "How long does delivery of the " + doc.title() + " take?";
        };
    }
}
