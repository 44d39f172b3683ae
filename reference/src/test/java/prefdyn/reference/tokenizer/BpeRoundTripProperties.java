package prefdyn.reference.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** decode(encode(x)) = x for any text of valid code points, and no token is ever the end-of-text id. */
class BpeRoundTripProperties {

    private static final BpeTokenizer TOKENIZER = BpeTrainer.train(List.of(
            "I loved this movie. It's one of the best films I've seen in years!",
            "The plot was thin, the acting worse; 2/10.\n\nDon't bother.",
            "Ünïcödé, 東京, 😀 and tabs\tand CRLF\r\n too"), 120);

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Integer> common = Arbitraries.of(List.of((int) ' ', (int) '\n', (int) '\t', (int) '\r', (int) '\'',
                0x85, 0xA0, 0x3000, 0x301, (int) 'e', (int) 't', (int) 'h', (int) '7', (int) '!', (int) 's'));
        Arbitrary<Integer> ascii = Arbitraries.integers().between(0, 0x7F);
        Arbitrary<Integer> any = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE);
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
Tuple.of(5, common), Tuple.of(4, ascii), Tuple.of(1, any));
        return codePoint.list().ofMaxSize(60).map(points -> {
            StringBuilder text = new StringBuilder();
            points.forEach(text::appendCodePoint);
            return text.toString();
        });
    }

    @Property(tries = 500, seed = "20261203")
    void decodeOfEncodeIsTheText(@ForAll("texts") String text) {
        int[] ids = TOKENIZER.encode(text);
        assertThat(TOKENIZER.decode(ids)).isEqualTo(text);
        assertThat(ids).doesNotContain(TOKENIZER.endOfText());
    }
}
