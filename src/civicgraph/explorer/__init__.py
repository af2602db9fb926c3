"""What the Streamlit pages in `app/` draw with: `drawing` turns part of the projection into
an interactive vis-network page, with text from the data escaped. Takes the graph stage's
answers and layouts; hands on HTML."""
